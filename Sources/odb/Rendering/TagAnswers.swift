import Revisions

extension Answer {
    /// `odb tag NAME [REV]`.
    static func tagged(_ tag: Tag) -> Answer {
        Answer(value: tag, text: "Tagged revision \(tag.revision) as \(tag.name)")
    }

    /// `odb tag -d NAME`.
    static func deleted(_ tag: Tag) -> Answer {
        Answer(value: tag, text: "Deleted tag \(tag.name) (revision \(tag.revision))")
    }

    /// `odb tags`: one tab-separated line a tag.
    static func tags(_ tags: [Tag]) -> Answer {
        Answer(value: tags, text: tags.isEmpty ? "no tags" : tags.map { "\($0.name)\t\($0.revision)" }.joined(separator: "\n"))
    }
}
