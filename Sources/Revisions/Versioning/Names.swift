/// The names odb gives and accepts: revision databases, tags and revision arguments.
public enum Names {
    /// PostgreSQL's limit on a name, in bytes (NAMEDATALEN - 1).
    public static let maximumLength = 63

    /// The database of revision `number` of `database`: `demo*3`, as anybox named them.
    ///
    /// A name that would pass 63 bytes keeps as much of the database's name as fits, then a hash of
    /// the whole name, so two long names never truncate to the same revision database.
    public static func revisionDatabase(_ database: String, number: Int) -> String {
        fitted(database, suffix: "*\(number)")
    }

    /// The name a revert builds its replacement under before the swap.
    public static func replacementDatabase(_ database: String) -> String {
        fitted(database, suffix: "*odb-new")
    }

    /// The name a replaced working database has between the swap and its drop; its oid makes
    /// it unique while older ones still wait to be dropped.
    public static func discardedDatabase(_ database: String, oid: String) -> String {
        fitted(database, suffix: "*odb-old-\(oid)")
    }

    /// The ready copy of revision `number` that makes a revert to it a rename.
    public static func spareDatabase(_ database: String, number: Int) -> String {
        fitted(database, suffix: "*\(number)-spare")
    }

    /// Whether `name` has the form of a database odb makes for some tracked database: a
    /// revision (`…*3`), a spare (`…*3-spare`), a revert's replacement (`…*odb-new`) or a replaced
    /// working database (`…*odb-old-16384`). Such a name is never tracked itself: odb's next
    /// commit of the database it belongs to would collide with it.
    public static func isOdbMade(_ name: String) -> Bool {
        name.contains(/\*(?:[0-9]+(?:-spare)?|odb-new|odb-old-[0-9]+)$/)
    }

    /// Whether `name` is a name odb gives one of the databases it makes for `database` (see
    /// `isOdbMade(_:)`), long names' hashed form included.
    public static func isOdbMade(_ name: String, for database: String) -> Bool {
        guard isOdbMade(name), let star = name.lastIndex(of: "*") else { return false }
        return fitted(database, suffix: String(name[star...])) == name
    }

    static func fitted(_ database: String, suffix: String) -> String {
        let full = database + suffix
        if full.utf8.count <= maximumLength { return full }
        let marker = "~" + stableHash(database)
        let room = maximumLength - marker.utf8.count - suffix.utf8.count
        return prefix(of: database, bytes: room) + marker + suffix
    }

    /// The longest prefix of `text` that fits in `bytes` of UTF-8 without splitting a character.
    static func prefix(of text: String, bytes: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            let size = String(character).utf8.count
            if used + size > bytes { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// Checks a name for a database odb may track or create.
    public static func validateDatabase(_ name: String) throws {
        if name.isEmpty { throw OdbError.invalidDatabaseName(name, reason: .empty) }
        if name.utf8.count > maximumLength {
            throw OdbError.invalidDatabaseName(name, reason: .tooLong)
        }
        if name.contains("\0") { throw OdbError.invalidDatabaseName(name, reason: .nul) }
    }

    /// Checks a tag name: not empty, not a number (that would shadow a revision), no leading dash,
    /// no white space at either end, no control characters, not `tip`.
    public static func validateTag(_ name: String) throws {
        if name.isEmpty { throw OdbError.invalidTagName(name, reason: .empty) }
        // One rule with revision arguments: whatever reads as a number (`1.5`, `0x4`, `+4`, `1e3`)
        // is refused here, when the tag is made, not only when it is used.
        if name.allSatisfy(\.isASCIIDigit) || name.hasPrefix("+") || Double(name) != nil {
            throw OdbError.invalidTagName(name, reason: .number)
        }
        if name == "tip" { throw OdbError.invalidTagName(name, reason: .tip) }
        if name.hasPrefix("@") { throw OdbError.invalidTagName(name, reason: .hiddenMarker) }
        if name.hasPrefix("-") { throw OdbError.invalidTagName(name, reason: .leadingDash) }
        if name.first!.isWhitespace || name.last!.isWhitespace {
            throw OdbError.invalidTagName(name, reason: .surroundingSpace)
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw OdbError.invalidTagName(name, reason: .controlCharacters)
        }
        if name.count > 200 { throw OdbError.invalidTagName(name, reason: .tooLong) }
    }
}

/// What the user named as a revision: a number, `tip`, a tag, or `@N`, a hidden state (a working
/// database a revert replaced, kept as revision number -N). Anything else is refused here, before
/// any database is touched.
public enum RevisionArgument: Equatable, Sendable {
    case number(Int)
    case tip
    case tag(String)
    /// `@N` (N > 0): hidden state N.
    case hidden(Int)

    public init(parsing text: String) throws {
        if text.isEmpty { throw OdbError.invalidRevision(text) }
        if text.allSatisfy(\.isASCIIDigit) {
            guard let number = Int32(text), number > 0 else { throw OdbError.invalidRevision(text) }
            self = .number(Int(number))
        } else if text == "tip" {
            self = .tip
        } else if text.hasPrefix("@") {
            let digits = text.dropFirst()
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int32(digits), number > 0 else {
                throw OdbError.invalidRevision(text)
            }
            self = .hidden(Int(number))
        } else {
            if text.hasPrefix("-") || text.hasPrefix("+") || Double(text) != nil { throw OdbError.invalidRevision(text) }
            do { try Names.validateTag(text) } catch { throw OdbError.invalidRevision(text) }
            self = .tag(text)
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
