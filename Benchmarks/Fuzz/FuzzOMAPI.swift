// libFuzzer entry point for the OMAPI decoder: any bytes as what a peer sent, decoded message
// after message as the client's read loop does, each message read as a failover-state object
// and assessed. Built by Benchmarks/Fuzz/build.sh with the codec's sources.
import Foundation
import Snapshot

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOMAPI(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  var remaining = ArraySlice(UnsafeBufferPointer(start: bytes, count: count))
  // A connection opens with the 8-byte introduction; the client checks it apart.
  if remaining.starts(with: OMAPIMessage.introduction) { remaining = remaining.dropFirst(8) }
  var peers: [FailoverPeerStatus] = []
  while let decoded = try? OMAPIMessage.decode(remaining), decoded.1 > 0 {
    let (message, used) = decoded
    peers.append(message.failoverPeerStatus(peer: "fuzz"))
    _ = message.failoverStateEvidence(peer: "fuzz")
    _ = message.signedBytes(signatureLength: 16)
    // What we decoded must encode again without trapping.
    _ = message.encoded()
    remaining = remaining.dropFirst(used)
  }
  var observation = FuzzSupport.observation(kind: .dhcpd)
  observation.failoverPeers = peers
  FuzzSupport.assess(observation)
  return 0
}
