/// `odb gc`: retention over revisions and hidden states. The databases of those a rule no longer
/// keeps are dropped the way purge drops them (`dropRevisionDatabases`): the history keeps their
/// rows, so `odb log` still reads the same.
public struct RetentionRule: Sendable, Equatable {
    /// Keep the newest `keep` (of those that still have a database); nil: no limit by count.
    public var keep: Int?
    /// Keep those younger than this many seconds; nil: no limit by age.
    public var olderThan: Int64?
    /// Keep every tagged one.
    public var keepTags: Bool

    /// A revision goes when neither limit keeps it; with no limit at all, none goes.
    public init(keep: Int? = nil, olderThan: Int64? = nil, keepTags: Bool = false) {
        self.keep = keep
        self.olderThan = olderThan
        self.keepTags = keepTags
    }

    var isEmpty: Bool { keep == nil && olderThan == nil }
}

/// What `odb gc` drops, or would: revision numbers and hidden states (as `@N`, numbers -N).
public struct GcPlan: Codable, Sendable, Equatable {
    public let database: String
    public let revisions: [Int]
    /// Hidden state numbers, positive (`@N`).
    public let hidden: [Int]
    /// The space their databases take, as recorded when they were made.
    public let size: Int64
    /// The revision numbers as stored (hidden states negative), for `gc(_:)`.
    var numbers: [Int] { revisions + hidden.map { -$0 } }
}

extension Repository {
    /// What `rule` drops: revisions by it, and hidden states by it too, or, when it sets no limit,
    /// by the project's hidden-state retention.
    public func gcPlan(_ rule: RetentionRule, retention: HiddenRetention = .standard) throws -> GcPlan {
        let revisions = rule.isEmpty ? [] : try expired(hidden: false, rule)
        let hidden = try expired(hidden: true, rule.isEmpty ? retention.rule : rule)
        return GcPlan(
            database: database, revisions: revisions.map(\.number), hidden: hidden.map { -$0.number },
            size: (revisions + hidden).reduce(0) { $0 + $1.size })
    }

    /// Drops the databases of a plan that the rule still selects under the lock (a revision
    /// tagged since, with `keepTags`, or become the working database's parent, is kept). Returns
    /// the numbers as stored (hidden states negative).
    public func gc(_ plan: GcPlan, rule: RetentionRule, retention: HiddenRetention = .standard) throws -> [Int] {
        try dropRevisionDatabases(plan.numbers) { Set(try gcPlan(rule, retention: retention).numbers) }
    }

    /// The revisions (or, with `hidden`, the hidden states) that still have a database and that
    /// `rule` does not keep, oldest first, with their recorded sizes. Never the working database's
    /// parent. The newest are ranked among those that still have a database.
    func expired(hidden: Bool, _ rule: RetentionRule) throws -> [(number: Int, size: Int64)] {
        if rule.isEmpty { return [] }
        return try connection.query(
            """
            SELECT x.number, x.size FROM (
                SELECT r.number, coalesce(r.size, 0) AS size, r.created_at, d.parent,
                       row_number() OVER (ORDER BY abs(r.number) DESC) AS rank,
                       EXISTS (SELECT 1 FROM odb.tags t WHERE t.database = r.database AND t.number = r.number) AS tagged
                FROM odb.revisions r
                JOIN odb.databases d ON d.name = r.database
                JOIN pg_database p ON p.datname = r.dbname
                WHERE r.database = \(database) AND (r.number < 0) = \(hidden)) x
            WHERE x.number <> x.parent
              AND (\(rule.keep == nil) OR x.rank > \(Int64(rule.keep ?? 0)))
              AND (\(rule.olderThan == nil) OR x.created_at < now() - \(rule.olderThan ?? 0)::bigint * interval '1 second')
              AND NOT (\(rule.keepTags) AND x.tagged)
            ORDER BY abs(x.number)
            """
        ).map { (try $0.int("number"), try $0.int64("size")) }
    }
}
