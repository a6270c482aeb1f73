// libFuzzer entry point for the inventory parser: any bytes as an inventory file; a parse error
// must still name a line and column inside the text. Built by Benchmarks/Fuzz/build.sh with
// the parser's sources and Yams.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInventory(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  guard
    let text = String(validating: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  else { return 0 }
  do {
    _ = try Inventory.parse(text, file: "fuzz.yaml")
  } catch {
    _ = error.description
    // By scalars: "\r\n" is one Character, so splitting the String would miss those lines.
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    // An error must point inside the file as an editor shows it, or the operator looks for
    // nothing: a line that exists, a column at most one past that line's end.
    guard error.line >= 1, error.line <= lines.count, error.column >= 1,
      error.column <= lines[error.line - 1].count + 1
    else {
      fatalError("inventory error at \(error.line):\(error.column) is outside the text")
    }
  }
  return 0
}
