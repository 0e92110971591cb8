import CLibPQ

/// The rows of one result, copied out of libpq's result before it is cleared.
public struct Rows: Sendable, RandomAccessCollection {
    public let columns: [String]
    let values: [[String?]]

    init(columns: [String], values: [[String?]]) {
        self.columns = columns
        self.values = values
    }

    init(_ result: OpaquePointer) {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        values = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    public var startIndex: Int { values.startIndex }
    public var endIndex: Int { values.endIndex }
    public subscript(position: Int) -> Row { Row(columns: columns, values: values[position]) }
}

/// One row: values by column name, as text, with typed accessors that fail loudly.
///
/// A column the statement does not return, a NULL where a value is required, or text that is
/// not of the asked type throws `RowError`: a query and its reader that disagree is a bug to
/// report, never a 0, a false or an empty list to act on.
public struct Row: Sendable {
    let columns: [String]
    let values: [String?]

    /// The value of `column` as text; nil for NULL.
    public func optionalString(_ column: String) throws -> String? {
        guard let index = columns.firstIndex(of: column) else { throw RowError(column: column, problem: .missing) }
        return values[index]
    }

    public func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else { throw RowError(column: column, problem: .null) }
        return value
    }

    public func optionalInt(_ column: String) throws -> Int? {
        guard let text = try optionalString(column) else { return nil }
        guard let value = Int(text) else { throw RowError(column: column, problem: .notA("integer", text)) }
        return value
    }

    public func int(_ column: String) throws -> Int {
        guard let value = try optionalInt(column) else { throw RowError(column: column, problem: .null) }
        return value
    }

    public func optionalInt64(_ column: String) throws -> Int64? { try optionalInt(column).map(Int64.init) }

    public func int64(_ column: String) throws -> Int64 { Int64(try int(column)) }

    public func bool(_ column: String) throws -> Bool {
        switch try string(column) {
        case "t": return true
        case "f": return false
        case let text: throw RowError(column: column, problem: .notA("boolean", text))
        }
    }
}

/// A row read as something it is not: the query and the code reading it disagree.
public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case missing
        case null
        case notA(String, String)
    }

    public let column: String
    public let problem: Problem

    public var description: String {
        switch problem {
        case .missing: "the result has no column \(column)"
        case .null: "column \(column) is NULL"
        case .notA(let type, let text): "column \(column) holds '\(text)', not a \(type)"
        }
    }
}
