import Testing

@testable import Revisions
@testable import odb

/// Pins both forms of a command's answer: the text people read and the JSON `--json` prints.
func expectAnswer(
    _ answer: Answer, text: String, json: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(answer.text == text, sourceLocation: sourceLocation)
    #expect(try answer.json() == json, sourceLocation: sourceLocation)
}

/// A revision as `odb log` reads one from the control database.
func revision(
    _ number: Int, parent: Int, size: Int64? = 7_444_000, purged: Bool = false, message: String = "",
    tags: [String] = [], spare: Bool = false
) -> Revision {
    Revision(
        number: number, parent: parent, database: purged ? nil : "demo*\(number)", message: message, author: "alice",
        created: "2026-11-23T20:3\(number):05Z", size: size, tags: tags, spare: spare)
}
