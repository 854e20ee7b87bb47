import AgreementDomain
import Foundation
import Testing
@testable import ServiceKit

@Suite struct APIErrorTests {
    @Test func refusalsMapToStatusesByKind() {
        func status(_ code: RefusalCode) -> Int {
            APIError(AgreementRefusal(code: code, status: .submitted, command: "x", message: "m")).status.code
        }
        #expect(status(.notPermitted) == 403)
        #expect(status(.validationFailed) == 422)
        #expect(status(.notFound) == 404)
        #expect(status(.invalidState) == 409)
        #expect(status(.copyLimitReached) == 409)
    }

    @Test func aRefusalKeepsItsCodeFieldAndStatus() {
        let error = APIError(AgreementRefusal(code: .validationFailed, status: .confirmed, command: "collegeApprove",
                                              message: "联系电话格式不正确", field: "contactPhone"))
        #expect(error.code == "validation_failed")
        #expect(error.message == "联系电话格式不正确")
        #expect(error.field == "contactPhone")
        #expect(error.agreementStatus == .confirmed)
    }

    @Test func datesRoundTripWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        let text = JSON.formatDate(date)
        #expect(text.hasSuffix("Z") || text.hasSuffix("+0000"))
        let parsed = try #require(JSON.parseDate(text))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.001)
    }
}
