import AgreementDomain
import Foundation

/// Events of the student roster (生源信息), published by the college service; key = student ID.
public enum RosterEvent: Sendable, Hashable {
    /// Upsert: the student's full current record.
    case studentRecordPublished(StudentRecordPublished)
    /// The student left the roster.
    case studentRecordRemoved(StudentRecordRemoved)

    public var name: String {
        switch self {
        case .studentRecordPublished: "studentRecordPublished"
        case .studentRecordRemoved: "studentRecordRemoved"
        }
    }

    public var studentID: String {
        switch self {
        case .studentRecordPublished(let e): e.student.studentID
        case .studentRecordRemoved(let e): e.studentID
        }
    }

    public var at: Date {
        switch self {
        case .studentRecordPublished(let e): e.at
        case .studentRecordRemoved(let e): e.at
        }
    }
}

/// A student's complete roster record, including the review status (生源信息审核状态). Upsert semantics: the
/// latest record per student ID replaces earlier ones.
public struct StudentRecordPublished: Codable, Sendable, Hashable {
    public var student: StudentSnapshot
    public var at: Date

    public init(student: StudentSnapshot, at: Date) {
        self.student = student
        self.at = at
    }
}

/// A student was removed from the roster; consumers forget the record.
public struct StudentRecordRemoved: Codable, Sendable, Hashable {
    public var studentID: String
    public var reason: String?
    public var at: Date

    public init(studentID: String, reason: String? = nil, at: Date) {
        self.studentID = studentID
        self.reason = reason
        self.at = at
    }
}
