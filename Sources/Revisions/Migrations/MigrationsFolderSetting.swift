import Foundation

/// The migrations folder named in the project's `odb.toml` (`[migrate] folder = "…"`), if that file
/// exists and names one.
///
/// A stopgap that reads this one key and nothing else: the general `odb.toml` loader
/// (`Revisions/Configuration/`, with TOMLKit) replaces it when both are merged. It understands a
/// `[migrate]` table holding `folder = "…"` (a basic or literal string, with a comment after it);
/// anything else in the file is skipped.
public enum MigrationsFolderSetting {
    public static func read(from file: String) throws -> String? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        var table = ""
        for raw in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                table = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                continue
            }
            guard table == "migrate", line.hasPrefix("folder") else { continue }
            let value = line.dropFirst("folder".count).trimmingCharacters(in: .whitespaces)
            guard value.hasPrefix("=") else { continue }
            let text = value.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let quote = text.first, quote == "\"" || quote == "'",
                let close = text.dropFirst().firstIndex(of: quote)
            else { throw OdbError.invalidSetting(file: file, key: "migrate.folder") }
            let folder = String(text[text.index(after: text.startIndex)..<close])
            if folder.isEmpty || (quote == "\"" && folder.contains("\\")) {
                throw OdbError.invalidSetting(file: file, key: "migrate.folder")
            }
            return folder
        }
        return nil
    }
}

extension MigrationsFolderSetting {
    /// The folder `odb migrate` works on: the one given, else the one `odb.toml` in `directory`
    /// names (relative to that file), else `migrations/` in `directory`.
    public static func folder(given: String?, directory: String) throws -> String {
        if let given { return given.hasPrefix("/") ? given : directory + "/" + given }
        if let named = try read(from: directory + "/odb.toml") {
            return named.hasPrefix("/") ? named : directory + "/" + named
        }
        return directory + "/migrations"
    }
}
