import CLibPQ
import Foundation

/// One libpq connection, owned by this object: finished exactly once, also when connecting failed.
///
/// Every statement goes through `PQsendQueryParams` with its values bound as parameters; names
/// are quoted with `PQescapeIdentifier`. Result handles never leave the function that made them.
///
/// Calls block until the server answers: odb's database work is synchronous. A statement can be
/// cancelled from any thread through `cancel()`, which the interruption handler does for every
/// open connection when odb gets SIGINT, SIGTERM or SIGHUP (see `Interruption`).
public final class Connection {
    private let handle: OpaquePointer
    private let canceller: Canceller?

    /// Connects with a conninfo string or URI (empty: libpq's environment and defaults), overriding
    /// its database with `database` when one is given.
    ///
    /// The usual libpq conventions all apply: `PGHOST`, `PGPORT`, `PGUSER`, `PGSERVICE`, `.pgpass`,
    /// `sslmode`.
    public init(conninfo: String, database: String? = nil, applicationName: String = "odb") throws {
        // A server that accepts the connection and never answers must not hang odb: libpq waits
        // forever without `connect_timeout`. The conninfo's own value, or PGCONNECT_TIMEOUT,
        // comes first (values later in the list override earlier ones).
        var keywords = ["dbname", "fallback_application_name"]
        var values = [conninfo, applicationName]
        if ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            keywords.insert("connect_timeout", at: 0)
            values.insert(String(Self.connectTimeoutSeconds), at: 0)
        }
        if let database {
            keywords.append("dbname")
            values.append(database)
        }
        let (handle, timedOut) = Connecting.open(keywords: keywords, values: values)
        guard let handle else {
            throw PostgresError(sqlState: nil, message: "out of memory while connecting")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message =
                timedOut
                ? "connection to server at \"\(PQhost(handle).map { String(cString: $0) } ?? "")\", port \(PQport(handle).map { String(cString: $0) } ?? "") failed: timeout expired"
                : Self.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(sqlState: .connectionFailure, message: message)
        }
        self.handle = handle
        canceller = PQgetCancel(handle).map(Canceller.init)
        if let canceller { Interruption.shared.register(canceller) }
    }

    /// How long a connection attempt waits for the server to answer, unless told otherwise.
    public static let connectTimeoutSeconds = 10

    deinit {
        if let canceller { Interruption.shared.unregister(canceller) }
        PQfinish(handle)
    }

    /// A second connection with this one's parameters (server, user, password, database), for
    /// work that runs beside a statement this one is waiting on; `database`, `applicationName`
    /// and `options` (server settings, as `-c name=value`) override this one's when given.
    public func sibling(database: String? = nil, applicationName: String? = nil, options settings: String? = nil) throws
        -> Connection
    {
        guard let parameters = Connecting.parameters(of: handle) else {
            throw PostgresError(sqlState: nil, message: "out of memory while connecting")
        }
        func quoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        var parts = parameters.map { $0.keyword + "=" + quoted($0.value) }
        if let applicationName { parts.append("application_name=" + quoted(applicationName)) }
        if let settings { parts.append("options=" + quoted(settings)) }
        if let database { parts.append("dbname=" + quoted(database)) }
        return try Connection(conninfo: parts.joined(separator: " "))
    }

    /// The SCRAM verifier of `password` for `user`, computed here by libpq, so that `ALTER ROLE …
    /// PASSWORD` never sends the password itself.
    public func encryptedPassword(_ password: String, user: String) throws -> String {
        guard let encrypted = PQencryptPasswordConn(handle, password, user, "scram-sha-256") else {
            throw PostgresError(sqlState: nil, message: Self.trimmed(PQerrorMessage(handle)))
        }
        defer { PQfreemem(encrypted) }
        return String(cString: encrypted)
    }

    /// Asks the server to cancel the statement this connection is running, if any; safe from any
    /// thread. The statement then fails with SQLSTATE 57014.
    public func cancel() { canceller?.cancel() }

    /// Whether a server answers at this address; it need not accept this user or database.
    public static func ping(conninfo: String) -> Bool {
        let timeout = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] ?? String(connectTimeoutSeconds)
        let result = withNullTerminatedCStrings(["connect_timeout", "dbname"]) { keywords in
            withNullTerminatedCStrings([timeout, conninfo]) { values in PQpingParams(keywords, values, 1) }
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
        try retryingLateCancel {
            try send(sql)
            return try collect()
        }
    }

    /// Runs one long statement, calling `waiting` about every `interval` until the server answers,
    /// so that a caller can show progress while, say, a large `CREATE DATABASE` runs.
    @discardableResult
    public func query(_ sql: SQL, every interval: Duration, waiting: () -> Void) throws -> Rows {
        try retryingLateCancel { try queryReporting(sql, every: interval, waiting: waiting) }
    }

    private func queryReporting(_ sql: SQL, every interval: Duration, waiting: () -> Void) throws -> Rows {
        try send(sql)
        let milliseconds = Int32(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        while PQisBusy(handle) == 1 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, milliseconds) == 0 { waiting() }
            guard PQconsumeInput(handle) == 1 else { throw lost() }
        }
        return try collect()
    }

    /// Runs one statement and hands its rows to `body` one at a time (libpq's single-row mode), so
    /// that a result of any size is read in bounded memory. If `body` throws, the statement is
    /// cancelled, the rest of its rows are discarded, and the connection is ready again.
    public func forEachRow(_ sql: SQL, _ body: (Row) throws -> Void) throws {
        try send(sql)
        guard PQsetSingleRowMode(handle) == 1 else {
            _ = try? collect()
            throw PostgresError(sqlState: nil, message: "libpq refused single-row mode")
        }
        var failure: (any Error)?
        var columns: [String]?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                let names = columns ?? (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
                columns = names
                let values = (0..<Int32(names.count)).map { column in
                    PQgetisnull(result, 0, column) == 1 ? nil : String(cString: PQgetvalue(result, 0, column))
                }
                do {
                    try body(Row(columns: names, values: values))
                } catch {
                    failure = error
                    cancel()
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                break
            default:
                failure = PostgresError(result: result, connection: handle)
            }
        }
        if let failure { throw failure }
    }

    /// The statements that put things back after an interruption must not be cancelled by it. A
    /// statement sent after a signal waits until the handler has sent its cancels (it sends one
    /// per connection, one after another), and runs again, once, when a cancel still reached it
    /// rather than the statement it was meant for. Inside a transaction block the whole
    /// transaction is lost, so the error stands.
    private func retryingLateCancel(_ statement: () throws -> Rows) throws -> Rows {
        let afterSignal = Interruption.shared.signal != nil
        if afterSignal { Interruption.shared.awaitCancels() }
        do {
            return try statement()
        } catch let error as PostgresError
            where error.sqlState == .queryCanceled && afterSignal && PQtransactionStatus(handle) == PQTRANS_IDLE
        {
            return try statement()
        }
    }

    private func send(_ sql: SQL) throws {
        let text = try sql.text(quote: quote)
        let parameters = sql.parameters
        let sent = withOptionalCStrings(parameters) { values in
            PQsendQueryParams(handle, text, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw lost() }
    }

    /// Reads every result of the statement sent (one statement gives one), so that the
    /// connection is ready again, and returns its rows or its error.
    private func collect() throws -> Rows {
        var outcome: Result<Rows, PostgresError> = .success(Rows(columns: [], values: []))
        var received = false
        while let result = PQgetResult(handle) {
            received = true
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY: break
            case PGRES_TUPLES_OK: outcome = .success(Rows(result))
            default: outcome = .failure(PostgresError(result: result, connection: handle))
            }
        }
        if !received, PQstatus(handle) == CONNECTION_BAD { throw lost() }
        return try outcome.get()
    }

    private func lost() -> PostgresError {
        PostgresError(sqlState: .connectionFailure, message: Self.trimmed(PQerrorMessage(handle)))
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

    /// A statement's text as the server gets it (values as `$n`), for messages.
    public func text(of sql: SQL) throws -> String { try sql.text(quote: quote) }

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

    /// libpq's messages end with a newline, and a failed connection may list one line per host.
    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        let lines = String(cString: message).split(whereSeparator: \.isNewline)
        return lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

/// Runs `body` with a NULL-terminated array of C copies of `strings`, as libpq's `…Params`
/// functions take their keywords and values, freed afterwards.
func withNullTerminatedCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStrings(strings) { body($0 + [nil]) }
}

/// Runs `body` with C copies of `strings` (nil stays NULL), freed afterwards.
private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
