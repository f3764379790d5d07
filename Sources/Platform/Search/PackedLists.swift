/// Many short lists in one array: list `i` is `elements[starts[i]..<starts[i + 1]]`.
///
/// The search index holds about 200,000 words and as many posting lists at 10,000 components; as
/// arrays, each was a heap block with its header and spare capacity, several MiB of the index.
struct PackedLists<Element: Sendable>: Sendable {
    private var starts: [Int32] = [0]
    private var elements: [Element] = []

    init() {}

    /// Lists already laid out: list `i` is `elements[starts[i]..<starts[i + 1]]`.
    init(elements: [Element], starts: [Int32]) {
        precondition(starts.first == 0 && starts.last.map(Int.init) == elements.count)
        self.elements = elements
        self.starts = starts
    }

    var count: Int { starts.count - 1 }

    mutating func append(_ list: some Collection<Element>) {
        elements.append(contentsOf: list)
        starts.append(Int32(elements.count))
    }

    subscript(index: Int) -> ArraySlice<Element> {
        elements[Int(starts[index])..<Int(starts[index + 1])]
    }
}
