import AgreementDomain
import Foundation
import Hummingbird

extension Parameters {
    /// A UUID path parameter; a malformed one is a 404 (nothing by that name exists).
    func uuid(_ name: String) throws -> UUID {
        guard let s = self.get(name), let id = UUID(uuidString: s) else { throw APIError.notFound("没有找到该记录") }
        return id
    }

    /// A text path parameter (an employer ID, a student ID), percent-decoded and checked like any identifier:
    /// 422 when it holds control characters or is too long.
    public func identifier(_ name: String, label: String) throws(APIError) -> String {
        let raw = self.get(name) ?? ""
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.validation("\(label)格式不正确", field: name)
        }
        try checked { () throws(AgreementRefusal) in try AgreementValidation.validate(identifier: decoded, field: name, label: label) }
        return decoded
    }
}
