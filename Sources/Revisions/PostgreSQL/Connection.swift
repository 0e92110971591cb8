import CLibPQ
import Foundation

/// One libpq connection, owned by this object: finished exactly once, also when connecting failed.
///
/// Every statement goes through `PQexecParams` with its values bound as parameters; names are
/// quoted with `PQescapeIdentifier`. Result handles never leave the function that made them.
public final class Connection {
    private let handle: OpaquePointer

    /// Connects with a conninfo string or URI (empty: libpq's environment and defaults), overriding
    /// its database with `database` when one is given.
    ///
    /// The usual libpq conventions all apply: `PGHOST`, `PGPORT`, `PGUSER`, `PGSERVICE`, `.pgpass`,
    /// `sslmode`.
    public init(conninfo: String, database: String? = nil, applicationName: String = "odb") throws {
        var keywords = ["dbname", "fallback_application_name"]
        var values = [conninfo, applicationName]
        if let database {
            keywords.append("dbname")
            values.append(database)
        }
        let handle = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else {
            throw PostgresError(sqlState: nil, message: "out of memory while connecting")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(sqlState: .connectionFailure, message: message)
        }
        PQsetNoticeReceiver(handle, { _, _ in }, nil)
        self.handle = handle
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether a server answers at this address; it need not accept this user or database.
    public static func ping(conninfo: String) -> Bool {
        let result = withCStrings(["dbname"]) { keywords in
            withCStrings([conninfo]) { values in PQpingParams(keywords, values, 1) }
        }
        return result == PQPING_OK || result == PQPING_REJECT
    }

    /// The server's version as a number: 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// The process id of this connection's backend, as `pg_backend_pid()` reports it.
    public var backendPID: Int32 { PQbackendPID(handle) }

    public var user: String { PQuser(handle).map { String(cString: $0) } ?? "" }
    public var host: String { PQhost(handle).map { String(cString: $0) } ?? "" }
    public var port: String { PQport(handle).map { String(cString: $0) } ?? "" }
    public var database: String { PQdb(handle).map { String(cString: $0) } ?? "" }

    /// Runs one statement and returns its rows (none for a command).
    @discardableResult
    public func query(_ sql: SQL) throws -> Rows {
        let text = try sql.text(quote: quote)
        let parameters = sql.parameters
        let result = withOptionalCStrings(parameters) { values in
            PQexecParams(handle, text, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard let result else {
            throw PostgresError(sqlState: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Rows(columns: [], values: [])
        case PGRES_TUPLES_OK:
            return Rows(result)
        default:
            throw Self.error(from: result, connection: handle)
        }
    }

    /// Runs one long statement, calling `waiting` about every `interval` until the server answers,
    /// so that a caller can show progress while, say, a large `CREATE DATABASE` runs.
    @discardableResult
    public func query(_ sql: SQL, every interval: Duration, waiting: () -> Void) throws -> Rows {
        let text = try sql.text(quote: quote)
        let parameters = sql.parameters
        let sent = withOptionalCStrings(parameters) { values in
            PQsendQueryParams(handle, text, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else {
            throw PostgresError(sqlState: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
        }
        let milliseconds = Int32(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        while PQisBusy(handle) == 1 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, milliseconds) == 0 { waiting() }
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(sqlState: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
            }
        }
        // One statement gives one result; read them all so that the connection is ready again.
        var outcome: Result<Rows, PostgresError> = .success(Rows(columns: [], values: []))
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY: break
            case PGRES_TUPLES_OK: outcome = .success(Rows(result))
            default: outcome = .failure(Self.error(from: result, connection: handle))
            }
        }
        return try outcome.get()
    }

    /// Runs statements in one transaction, rolled back if `body` throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body()
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// A name quoted as an identifier by libpq: `"my ""odd"" db"`.
    public func quoteIdentifier(_ name: String) throws -> String {
        try escape(name, with: PQescapeIdentifier)
    }

    /// A string quoted as a literal by libpq: `'it''s'`, or `E'…'` where backslashes need it.
    public func quoteLiteral(_ text: String) throws -> String {
        try escape(text, with: PQescapeLiteral)
    }

    private func quote(_ fragment: SQL.Fragment) throws -> String {
        switch fragment {
        case .identifier(let name): try quoteIdentifier(name)
        case .literal(let text): try quoteLiteral(text)
        case .text(let text): text
        case .parameter: "?"
        }
    }

    private func escape(
        _ text: String,
        with function: (OpaquePointer?, UnsafePointer<CChar>?, Int) -> UnsafeMutablePointer<CChar>?
    ) throws -> String {
        let escaped = text.withCString { function(handle, $0, strlen($0)) }
        guard let escaped else {
            throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)))
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    private static func error(from result: OpaquePointer, connection: OpaquePointer) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let message = field(ODB_PG_DIAG_MESSAGE_PRIMARY) ?? trimmed(PQerrorMessage(connection))
        // libpq's own errors carry no SQLSTATE; a broken connection is one of them.
        let lost: SQLState? = PQstatus(connection) == CONNECTION_BAD ? .connectionFailure : nil
        return PostgresError(
            sqlState: field(ODB_PG_DIAG_SQLSTATE).map(SQLState.init(rawValue:)) ?? lost,
            message: message,
            detail: field(ODB_PG_DIAG_MESSAGE_DETAIL),
            hint: field(ODB_PG_DIAG_MESSAGE_HINT)
        )
    }

    /// libpq's messages end with a newline, and a failed connection may list one line per host.
    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let lines = String(cString: message).split(whereSeparator: \.isNewline)
        return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

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

/// One row: values by column name, as text, with typed accessors.
public struct Row: Sendable {
    let columns: [String]
    let values: [String?]

    public subscript(column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    public func string(_ column: String) -> String { self[column] ?? "" }
    public func int(_ column: String) -> Int { self[column].flatMap { Int($0) } ?? 0 }
    public func optionalInt(_ column: String) -> Int? { self[column].flatMap { Int($0) } }
    public func bool(_ column: String) -> Bool { self[column] == "t" }
}

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStrings(strings) { body($0 + [nil]) }
}

/// Runs `body` with C copies of `strings` (nil stays NULL), freed afterwards.
private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
