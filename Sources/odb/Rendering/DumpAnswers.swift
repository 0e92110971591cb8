import Revisions

extension Answer {
    /// Which part of dump keys `odb ls --instances`, `--databases` or `--configs` lists.
    enum DumpPart: String {
        case instance, database, config
    }

    /// `odb dump`.
    static func dumped(_ manifest: Manifest, location: String) -> Answer {
        Answer(
            value: manifest,
            text:
                "Dumped \(manifest.database) to \(location): \(manifest.key) (\(Text.bytes(manifest.size)), sha256 \(manifest.sha256.prefix(12)))"
        )
    }

    /// `odb ls`: one line a dump, newest first, with its size and the revision it came from; or
    /// the distinct instances, databases or configurations.
    static func listing(_ listing: DumpListing, part: DumpPart?) -> Answer {
        let removed = listing.removed.map { "Removed unfinished \($0)" }
        if let part {
            var seen: [String] = []
            for manifest in listing.dumps {
                let value =
                    switch part {
                    case .instance: manifest.instance
                    case .database: manifest.database
                    case .config: manifest.config
                    }
                if !seen.contains(value) { seen.append(value) }
            }
            return Answer(value: seen, text: (removed + seen).joined(separator: "\n"))
        }
        let lines = listing.dumps.map { manifest in
            "\(manifest.key)  \(Text.bytes(manifest.size))  \(origin(manifest))"
        }
        let text = removed + (lines.isEmpty ? ["No dumps"] : lines)
        return Answer(value: listing, text: text.joined(separator: "\n"))
    }

    /// Where a dump's state came from, for `odb ls`.
    static func origin(_ manifest: Manifest) -> String {
        if let revision = manifest.revision {
            return "revision \(revision)" + (manifest.message.map { $0.isEmpty ? "" : " (\($0))" } ?? "")
        }
        return manifest.parent == 0 ? "working database" : "working database, from revision \(manifest.parent)"
    }

    /// `odb restore`.
    static func restored(_ outcome: RestoreOutcome) -> Answer {
        var text =
            "Restored \(outcome.source) into \(outcome.database) as revision \(outcome.restored), now at revision \(outcome.revision)"
        if let kept = outcome.kept { text += "; what it replaced is revision \(kept) ('odb revert \(kept)' undoes the restore)" }
        if outcome.loadedLater { text += "; revision \(outcome.restored) is loaded again from the dump in the background" }
        // pg_restore's own lines, as it wrote them.
        return Answer(value: outcome, text: ([text] + outcome.ignoredErrors).joined(separator: "\n"))
    }
}

extension Answer {
    /// `odb push`.
    static func pushed(_ manifest: Manifest, location: String) -> Answer {
        Answer(
            value: manifest,
            text:
                "Pushed revision \(manifest.revision ?? 0) of \(manifest.database) to \(location): \(manifest.key) (\(Text.bytes(manifest.size)))"
        )
    }

    /// `odb pull`.
    static func pulled(_ outcome: PullOutcome) -> Answer {
        Answer(
            value: outcome,
            text:
                "Pulled \(outcome.key) as revision \(outcome.revision) (\(Text.oneLine(outcome.message))); 'odb revert \(outcome.revision)' puts it in place"
        )
    }
}
