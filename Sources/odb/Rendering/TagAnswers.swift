import Revisions

extension Answer {
    /// `odb tag NAME [REV]`.
    /// JSON: `{"tagged": NAME, "revision": N}`, with `"movedFrom"` when `-f` moved it.
    static func tagged(_ tag: Tag, previous: Int? = nil) -> Answer {
        let moved = previous.flatMap { $0 == tag.revision ? nil : $0 }
        return Answer(
            value: TagChange(tagged: tag.name, deleted: nil, revision: tag.revision, movedFrom: moved),
            text: "Tagged revision \(tag.revision) as \(Text.oneLine(tag.name))"
                + (moved.map { " (moved from revision \($0))" } ?? ""))
    }

    /// `odb tag -d NAME`. JSON: `{"deleted": NAME, "revision": N}`.
    static func deleted(_ tag: Tag) -> Answer {
        Answer(
            value: TagChange(tagged: nil, deleted: tag.name, revision: tag.revision, movedFrom: nil),
            text: "Deleted tag \(Text.oneLine(tag.name)) (revision \(tag.revision))")
    }

    /// `odb tags`: one tab-separated line a tag.
    static func tags(_ tags: [Tag]) -> Answer {
        Answer(value: tags, text: tags.isEmpty ? "no tags" : tags.map { "\($0.name)\t\($0.revision)" }.joined(separator: "\n"))
    }
}

/// What `odb tag --json` and `odb tag -d --json` print: `tagged` or `deleted` says which.
struct TagChange: Encodable, Equatable {
    let tagged: String?
    let deleted: String?
    let revision: Int
    let movedFrom: Int?

    enum CodingKeys: String, CodingKey {
        case tagged, deleted, revision
        case movedFrom
    }
}
