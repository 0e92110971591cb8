/// How long the hidden states a revert keeps stay (see `HiddenStates.swift`): a state goes once it
/// is neither among the newest `keep` nor younger than `days`. Set in `odb.toml`:
///
///     [history]
///     keep_hidden = 5        # the newest 5 hidden states stay, whatever their age
///     keep_hidden_days = 7   # and every one younger than a week
public struct HiddenRetention: Sendable, Equatable {
    public var keep: Int
    public var days: Int

    public init(keep: Int = 5, days: Int = 7) {
        self.keep = keep
        self.days = days
    }

    /// odb's built-in retention: the last 5, or a week.
    public static let standard = HiddenRetention()

    /// The retention `configuration` sets in its `[history]` table, odb's own for what it leaves out.
    public static func read(from configuration: ProjectConfiguration) throws -> HiddenRetention {
        var retention = HiddenRetention.standard
        guard let table = configuration.table("history") else { return retention }
        if let keep = try table.integer("keep_hidden") {
            guard keep >= 0 else { throw table.wrongType("keep_hidden", "a whole number, 0 or more") }
            retention.keep = keep
        }
        if let days = try table.integer("keep_hidden_days") {
            guard days >= 0 else { throw table.wrongType("keep_hidden_days", "a whole number of days, 0 or more") }
            retention.days = days
        }
        return retention
    }

    /// As a rule for `expired(hidden:_:)`: tagged states always stay.
    var rule: RetentionRule { RetentionRule(keep: keep, olderThan: Int64(days) * 86_400, keepTags: true) }
}

extension ConfigurationTable {
    public func integer(_ key: String) throws -> Int? {
        switch values[key] {
        case nil: return nil
        case .integer(let value)?: return value
        default: throw wrongType(key, "a whole number")
        }
    }
}
