/// Which tables `odb diff --table` compares: a shell-style pattern, as psql's `\d` takes one
/// without its quoting rules. `*` matches any run of characters, `?` any one; names are matched
/// as they are stored (case-sensitive). A pattern with a dot matches `schema.table`; one without
/// matches the table's name in any schema: `orders`, `order_*`, `sales.*`, `*.audit_?`.
public struct TablePattern: Sendable, Equatable {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// Whether the table `schema.table` (unquoted) is one the pattern names.
    public func matches(_ qualifiedName: String) -> Bool {
        if text.contains(".") { return Self.glob(Array(text), Array(qualifiedName)) }
        let table = qualifiedName.split(separator: ".", maxSplits: 1).last.map(String.init) ?? qualifiedName
        return Self.glob(Array(text), Array(table))
    }

    /// Glob matching with `*` and `?`, by dynamic programming over the two strings.
    static func glob(_ pattern: [Character], _ name: [Character]) -> Bool {
        var previous = [Bool](repeating: false, count: name.count + 1)
        previous[0] = true
        for symbol in pattern {
            var current = [Bool](repeating: false, count: name.count + 1)
            if symbol == "*" { current[0] = previous[0] }
            for index in 0..<name.count {
                switch symbol {
                case "*": current[index + 1] = current[index] || previous[index + 1]
                case "?": current[index + 1] = previous[index]
                default: current[index + 1] = previous[index] && name[index] == symbol
                }
            }
            previous = current
        }
        return previous[name.count]
    }
}
