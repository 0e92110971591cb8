import Foundation

/// odb's version, and the PostgreSQL major versions its tests ran against.
enum OdbVersion {
    static let version = "0.2.0"
    static let testedPostgreSQL = [15, 18]

    /// `odb --version`.
    static var text: String { "odb \(version)" }

    /// `odb --version --json`: `{"version": "0.2.0", "postgresqlTested": [15, 18]}`.
    static var json: String {
        let answer = Answer(value: Report(version: version, postgresqlTested: testedPostgreSQL), text: text)
        return (try? answer.json()) ?? "{}"
    }

    struct Report: Encodable {
        let version: String
        let postgresqlTested: [Int]

        enum CodingKeys: String, CodingKey {
            case version
            case postgresqlTested
        }
    }
}
