// libFuzzer entry point for the template parser and renderer. docs/fuzzing.md builds it in one
// module with the engine's sources (swiftc -sanitize=fuzzer), and libFuzzer supplies `main`.
#if !FUZZ_SINGLE_MODULE
  import Templating
#endif

private let data: TemplateValue = [
  "a": ["b": ["c": "deep"]], "list": [1, 2, ["x": "y"]], "flag": true, "name": "<&\"'>",
  "empty": [], "none": nil, "number": 2.5,
]

private let library = TemplateLibrary(templates: [
  "p": "{{name}}{{#list}}{{>p}}{{/list}}", "parent": "{{$b}}default{{/b}}", "self": "{{>self}}",
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: bytes, count: count))
  guard let template = try? Template(bytes: input, name: "fuzz") else { return 0 }
  // A small step budget: the fuzzer looks for crashes, and a template that nests sections
  // over lists multiplies its work (the product's default budget stops such a template too,
  // after seconds; `stepBudget` in the tests covers it).
  var lenient = RenderOptions.lenient
  lenient.maximumSteps = 100_000
  var strict = RenderOptions()
  strict.maximumSteps = 100_000
  _ = try? template.render(data, library: library, options: lenient)
  _ = try? template.render(data, library: library, options: strict)
  return 0
}
