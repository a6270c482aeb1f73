// libFuzzer entry point for Kea answer decoding: any bytes as the answer to status-get,
// config-get and ha-heartbeat, then the decoded status assessed. Built by
// Benchmarks/Fuzz/build.sh with the decoder's sources.
import Foundation
import Snapshot

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeaJSON(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  var observation = FuzzSupport.observation(kind: .kea)
  _ = KeaAnswerDecoder.describe(data)
  guard let answer = try? KeaAnswerDecoder.answer(from: data) else { return 0 }
  var status = KeaAnswerDecoder.status(answer)
  status.configuration = KeaAnswerDecoder.configuration(answer)
  status.heartbeat = KeaAnswerDecoder.heartbeat(answer)
  observation.kea = status
  FuzzSupport.assess(observation)
  return 0
}
