/// A statement whose values are bound as parameters and whose names are quoted by libpq.
///
/// Build one with string interpolation: an interpolated value becomes `$n`, never text in the
/// statement; `\(identifier: name)` becomes a quoted identifier and `\(literal: text)` a quoted
/// literal, for the few places where PostgreSQL takes no parameter (`CREATE DATABASE`,
/// `ALTER DATABASE … SET`). Raw text goes in only through `\(unsafeRaw:)`, for odb's own keywords.
public struct SQL: Sendable, ExpressibleByStringInterpolation {
    enum Fragment: Sendable, Equatable {
        case text(String)
        case parameter(String?)
        case identifier(String)
        case literal(String)
    }

    var fragments: [Fragment]

    public init(stringLiteral value: String) {
        fragments = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        fragments = stringInterpolation.fragments
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            fragments.append(.text(literal))
        }

        public mutating func appendInterpolation(_ value: (some SQLValue)?) {
            fragments.append(.parameter(value?.sqlText))
        }

        public mutating func appendInterpolation(identifier: String) {
            fragments.append(.identifier(identifier))
        }

        public mutating func appendInterpolation(literal: String) {
            fragments.append(.literal(literal))
        }

        public mutating func appendInterpolation(unsafeRaw text: String) {
            fragments.append(.text(text))
        }

        /// Another statement's text spliced in, its values still bound as parameters.
        public mutating func appendInterpolation(_ sql: SQL) {
            fragments.append(contentsOf: sql.fragments)
        }
    }

    /// The parameter values, in `$n` order.
    var parameters: [String?] {
        fragments.compactMap {
            if case .parameter(let value) = $0 { return .some(value) }
            return nil
        }
    }

    /// The statement text with `$n` placeholders; names and literals quoted by `quote`.
    func text(quote: (Fragment) throws -> String) rethrows -> String {
        var text = ""
        var index = 0
        for fragment in fragments {
            switch fragment {
            case .text(let raw):
                text += raw
            case .parameter:
                index += 1
                text += "$\(index)"
            case .identifier, .literal:
                text += try quote(fragment)
            }
        }
        return text
    }
}

/// A value that can be sent to the server as a text parameter.
public protocol SQLValue: Sendable {
    var sqlText: String { get }
}

extension String: SQLValue {
    public var sqlText: String { self }
}

extension Int: SQLValue {
    public var sqlText: String { String(self) }
}

extension Int64: SQLValue {
    public var sqlText: String { String(self) }
}

extension Int32: SQLValue {
    public var sqlText: String { String(self) }
}

extension Bool: SQLValue {
    public var sqlText: String { self ? "true" : "false" }
}
