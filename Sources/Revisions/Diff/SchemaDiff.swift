/// One schema object that is not the same on both sides.
public struct SchemaChange: Codable, Sendable, Equatable {
    public enum Change: String, Codable, Sendable {
        case added, removed, changed
    }

    public let kind: SchemaObject.Kind
    public let name: String
    public let change: Change
    /// The definition on the old side; nil when the object was added.
    public let old: String?
    /// The definition on the new side; nil when the object was removed.
    public let new: String?
    /// The table (`schema.table`) the object belongs to, when it belongs to one.
    public let table: String?
}

/// The objects added, removed and changed between two schema snapshots, by kind, then by name.
public struct SchemaDiff: Sendable, Equatable {
    public let changes: [SchemaChange]

    public init(old: SchemaSnapshot, new: SchemaSnapshot) {
        struct Identity: Hashable {
            let kind: SchemaObject.Kind
            let name: String
        }
        func index(_ snapshot: SchemaSnapshot) -> [Identity: SchemaObject] {
            // Two objects of one kind and name cannot exist; keep the first if they ever do.
            Dictionary(snapshot.objects.map { (Identity(kind: $0.kind, name: $0.name), $0) }) { first, _ in first }
        }
        let before = index(old)
        let after = index(new)
        var changes: [(SchemaObject, SchemaChange)] = []
        for object in old.objects {
            let identity = Identity(kind: object.kind, name: object.name)
            if let now = after[identity] {
                if now.definition != object.definition {
                    changes.append((object, Self.change(.changed, object, old: object.definition, new: now.definition)))
                }
            } else {
                changes.append((object, Self.change(.removed, object, old: object.definition, new: nil)))
            }
        }
        for object in new.objects where before[Identity(kind: object.kind, name: object.name)] == nil {
            changes.append((object, Self.change(.added, object, old: nil, new: object.definition)))
        }
        self.changes = changes.sorted { SchemaObject.ordered($0.0, $1.0) }.map(\.1)
    }

    private static func change(_ change: SchemaChange.Change, _ object: SchemaObject, old: String?, new: String?)
        -> SchemaChange
    {
        SchemaChange(kind: object.kind, name: object.name, change: change, old: old, new: new, table: object.table)
    }
}
