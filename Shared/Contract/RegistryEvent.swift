import AgreementDomain
import Foundation

/// The account status of a registered employer. Only approved employers are searchable by students (选择签约单位).
public enum EmployerAccountStatus: String, Codable, Sendable, Hashable, CaseIterable {
    /// Registered, awaiting the employment office.
    case pending
    case approved
    case suspended

    /// Students may find and choose the employer.
    public var isSearchable: Bool { self == .approved }
}

/// Events of the employer registry, published by the employer service; key = employer ID.
///
/// An employer is searchable once `employerApproved` arrived and until `employerSuspended` (a later approval
/// lifts a suspension); `employerUpdated` changes the data but not the status.
public enum RegistryEvent: Sendable, Hashable {
    case employerRegistered(EmployerRegistered)
    case employerApproved(EmployerApproved)
    case employerUpdated(EmployerUpdated)
    case employerSuspended(EmployerSuspended)

    public var name: String {
        switch self {
        case .employerRegistered: "employerRegistered"
        case .employerApproved: "employerApproved"
        case .employerUpdated: "employerUpdated"
        case .employerSuspended: "employerSuspended"
        }
    }

    public var employerID: String {
        switch self {
        case .employerRegistered(let e): e.employer.employerID
        case .employerApproved(let e): e.employerID
        case .employerUpdated(let e): e.employer.employerID
        case .employerSuspended(let e): e.employerID
        }
    }

    public var at: Date {
        switch self {
        case .employerRegistered(let e): e.at
        case .employerApproved(let e): e.at
        case .employerUpdated(let e): e.at
        case .employerSuspended(let e): e.at
        }
    }

    /// The account status after this event, given the status before (nil: never seen).
    public func accountStatus(after current: EmployerAccountStatus?) -> EmployerAccountStatus {
        switch self {
        case .employerRegistered(let e): current ?? e.accountStatus
        case .employerApproved: .approved
        case .employerUpdated: current ?? .pending
        case .employerSuspended: .suspended
        }
    }
}

/// An employer registered (or changed its registration while still pending).
public struct EmployerRegistered: Codable, Sendable, Hashable {
    public var employer: EmployerSnapshot
    /// Always `pending` for a registration.
    public var accountStatus: EmployerAccountStatus
    public var at: Date

    public init(employer: EmployerSnapshot, accountStatus: EmployerAccountStatus = .pending, at: Date) {
        self.employer = employer
        self.accountStatus = accountStatus
        self.at = at
    }
}

/// The employment office approved the employer: students can now find it.
public struct EmployerApproved: Codable, Sendable, Hashable {
    public var employerID: String
    /// Staff ID of the approving office member.
    public var approvedBy: String
    public var at: Date

    public init(employerID: String, approvedBy: String, at: Date) {
        self.employerID = employerID
        self.approvedBy = approvedBy
        self.at = at
    }
}

/// An approved employer changed its information (full snapshot).
public struct EmployerUpdated: Codable, Sendable, Hashable {
    public var employer: EmployerSnapshot
    public var at: Date

    public init(employer: EmployerSnapshot, at: Date) {
        self.employer = employer
        self.at = at
    }
}

/// The employer was suspended: no longer searchable. Agreements already submitted to it are not affected.
public struct EmployerSuspended: Codable, Sendable, Hashable {
    public var employerID: String
    public var reason: String?
    public var suspendedBy: String?
    public var at: Date

    public init(employerID: String, reason: String? = nil, suspendedBy: String? = nil, at: Date) {
        self.employerID = employerID
        self.reason = reason
        self.suspendedBy = suspendedBy
        self.at = at
    }
}
