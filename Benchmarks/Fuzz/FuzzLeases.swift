// libFuzzer entry point for the dhcpd leases-file reader: any bytes as a leases file, handed
// over in two pieces split where the input says (the reader gets a file in chunks), then the
// peers it found are assessed. Built by Benchmarks/Fuzz/build.sh with the reader's sources.
import Foundation
import Snapshot

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLeases(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  var parser = LeasesFileReader.StanzaParser()
  let split = count == 0 ? 0 : Int(bytes[0]) % (count + 1)
  // Whole lines per feed, as LeasesFileReader.read hands them over.
  if let newline = data.prefix(split).lastIndex(of: 0x0A) {
    parser.feed(data[...newline])
    parser.feed(data[(newline + 1)...])
  } else {
    parser.feed(data)
  }
  var observation = FuzzSupport.observation(kind: .dhcpd)
  observation.failoverPeers = parser.peers
  FuzzSupport.assess(observation)
  return 0
}
