import Testing

/// The suites that start real servers, a browser or a Java checker. They run one after the
/// other: on a small CI machine, Kea's HA timers, dhcpd's failover handshake, Chromium and the
/// JVM competing for two cores would turn their deadlines into races.
@Suite("Real servers, browser and HTML checker", .serialized)
enum ExternalProcesses {}
