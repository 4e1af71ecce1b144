/// The text fields of an incident that rules look at.
public enum Field: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case title = 0
    case description = 1
    case context = 2

    public var name: String {
        switch self {
        case .title: "title"
        case .description: "description"
        case .context: "context"
        }
    }

    public init?(name: String) {
        switch name {
        case "title": self = .title
        case "description": self = .description
        case "context": self = .context
        default: return nil
        }
    }

    public var description: String { name }
}

/// A set of fields, stored as a bit mask.
public struct FieldSet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ field: Field) { self.rawValue = 1 << UInt8(field.rawValue) }
    public init(_ fields: some Sequence<Field>) {
        var raw: UInt8 = 0
        for f in fields { raw |= 1 << UInt8(f.rawValue) }
        self.rawValue = raw
    }

    public static let title = FieldSet(.title)
    public static let description = FieldSet(.description)
    public static let context = FieldSet(.context)
    public static let all: FieldSet = [.title, .description, .context]

    public func contains(_ field: Field) -> Bool { rawValue & (1 << UInt8(field.rawValue)) != 0 }

    public var fields: [Field] { Field.allCases.filter { contains($0) } }

    public var description: String { "[" + fields.map(\.name).joined(separator: ", ") + "]" }
}

/// One incident to classify: an id, a title, a description and optional free-text context.
public struct Incident: Sendable, Hashable {
    public var id: String
    public var title: String
    public var description: String
    public var context: String?

    public init(id: String = "", title: String, description: String, context: String? = nil) {
        self.id = id
        self.title = title
        self.description = description
        self.context = context
    }

    public func text(of field: Field) -> String {
        switch field {
        case .title: title
        case .description: description
        case .context: context ?? ""
        }
    }
}
