import PropertyBased
import Testing

@testable import Revisions

/// Characters that break naive quoting, LIKE patterns, shells, terminals and byte counting.
let hostileCharacters: [Character] = [
    "'", "\"", "\\", "%", "_", "*", "?", "$", ";", "-", "+", ".", " ", "\t", "\n", "\r", "\u{0B}", "\u{7F}", "\u{1B}",
    "0", "1", "9", "a", "Z", "é", "ß", "東", "🐘", "👩‍💻", "\u{200F}", "\u{FEFF}", "\u{0301}", "{", "}", "(", ")", "/", ",", "=",
]

let hostileText = Gen.element(of: hostileCharacters).compactMap { $0 }.string(of: 0...80)

@Suite struct HostileInputProperties {
    /// Any text is either refused as a revision or parsed into exactly what it says.
    @Test func revisionArgumentsParseOrAreRefused() async {
        await propertyCheck(count: 2000, input: hostileText) { text in
            switch try? RevisionArgument(parsing: text) {
            case nil: break
            case .number(let number)?:
                #expect(text.allSatisfy(\.isASCIIDigit) && Int(text) == number && number > 0)
            case .tip?: #expect(text == "tip")
            case .hidden(let number)?: #expect(text.first == "@" && Int(text.dropFirst()) == number && number > 0)
            case .tag(let tag)?:
                #expect(tag == text)
                #expect(throws: Never.self) { try Names.validateTag(tag) }
            }
        }
    }

    /// Revision, spare and temporary names always fit PostgreSQL's 63 bytes, stay valid UTF-8,
    /// and never collide for different databases.
    @Test func derivedNamesFitAndDiffer() async {
        await propertyCheck(count: 1000, input: hostileText, hostileText, Gen.int(in: 1...Int(Int32.max))) {
            first, second, number in
            for name in [first, second] where !name.isEmpty {
                for derived in [
                    Names.revisionDatabase(name, number: number), Names.spareDatabase(name, number: number),
                    Names.replacementDatabase(name), Names.discardedDatabase(name, oid: "4294967295"),
                ] {
                    #expect(derived.utf8.count <= Names.maximumLength)
                    #expect(String(decoding: Array(derived.utf8), as: UTF8.self) == derived)
                    #expect(derived != name)
                }
            }
            if first != second, !first.isEmpty, !second.isEmpty {
                #expect(Names.revisionDatabase(first, number: number) != Names.revisionDatabase(second, number: number))
            }
        }
    }

    /// Validation refuses or accepts; it never traps.
    @Test func validationNeverTraps() async {
        await propertyCheck(count: 2000, input: hostileText) { text in
            _ = try? Names.validateTag(text)
            _ = try? Names.validateDatabase(text)
        }
    }
}
