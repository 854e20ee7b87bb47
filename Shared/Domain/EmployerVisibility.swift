/// What an employer may see of an agreement: drafts are the student's alone (the manual: a saved draft is not
/// sent to the employer).
///
/// An employer sees an agreement once it has been submitted to that employer, as it stood after the last event
/// that was not a draft save: so a draft re-saved for the same employer after a return still shows as returned,
/// with the history the employer already saw. Once the student chooses another employer, the first one sees
/// nothing more.
public enum EmployerVisibility {
    /// Whether `event` is shown to the employer: every event but a draft save.
    public static func isShared(_ event: AgreementEvent) -> Bool {
        if case .draftSaved = event { return false }
        return true
    }

    /// The state after applying `event`, as the employer may see it: `after` when the event is shared, otherwise
    /// what the employer saw before (`lastShared`, nil when it never saw anything).
    public static func lastShared(after: Agreement, event: AgreementEvent, before lastShared: Agreement?) -> Agreement? {
        isShared(event) ? after : lastShared
    }

    /// The agreement as `employerID` may see it, or nil when it may not see it at all.
    public static func view(current: Agreement, lastShared: Agreement?, employerID: String) -> Agreement? {
        guard current.employerID == employerID, let shared = lastShared, shared.employerID == employerID,
              shared.status != .draft else { return nil }
        return shared
    }
}
