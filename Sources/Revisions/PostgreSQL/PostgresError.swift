import CLibPQ

/// A five-character SQLSTATE code, open to codes odb does not name.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let uniqueViolation = SQLState(rawValue: "23505")
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    public static let duplicateDatabase = SQLState(rawValue: "42P04")
    public static let duplicateObject = SQLState(rawValue: "42710")
    public static let undefinedTable = SQLState(rawValue: "42P01")
    public static let invalidCatalogName = SQLState(rawValue: "3D000")
    public static let objectInUse = SQLState(rawValue: "55006")
    public static let lockNotAvailable = SQLState(rawValue: "55P03")
    public static let queryCanceled = SQLState(rawValue: "57014")
    public static let adminShutdown = SQLState(rawValue: "57P01")
    public static let diskFull = SQLState(rawValue: "53100")
    public static let invalidPassword = SQLState(rawValue: "28P01")
    public static let invalidAuthorization = SQLState(rawValue: "28000")
    public static let syntaxError = SQLState(rawValue: "42601")
    public static let undefinedObject = SQLState(rawValue: "42704")
    public static let featureNotSupported = SQLState(rawValue: "0A000")
    public static let connectionFailure = SQLState(rawValue: "08006")
    public static let internalError = SQLState(rawValue: "XX000")

    /// The class: the first two characters (`42` for syntax errors and access rules).
    public var errorClass: Substring { rawValue.prefix(2) }

    public static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == pattern
    }
}

/// An error reported by the server or by libpq, with what the server said.
///
/// Its description never holds a password: libpq's messages name hosts and users, not secrets.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public let sqlState: SQLState?
    public let message: String
    public let detail: String?
    public let hint: String?

    public init(sqlState: SQLState?, message: String, detail: String? = nil, hint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var text = message
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }
}

extension PostgresError {
    /// The error a failed result carries: its SQLSTATE and message, detail and hint as the server
    /// sent them, or libpq's own message, with a broken connection told as such.
    init(result: OpaquePointer, connection: OpaquePointer) {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let message = field(ODB_PG_DIAG_MESSAGE_PRIMARY) ?? Connection.trimmed(PQerrorMessage(connection))
        // libpq's own errors carry no SQLSTATE; a broken connection is one of them.
        let lost: SQLState? = PQstatus(connection) == CONNECTION_BAD ? .connectionFailure : nil
        self.init(
            sqlState: field(ODB_PG_DIAG_SQLSTATE).map(SQLState.init(rawValue:)) ?? lost,
            message: message,
            detail: field(ODB_PG_DIAG_MESSAGE_DETAIL),
            hint: field(ODB_PG_DIAG_MESSAGE_HINT)
        )
    }
}
