import Hummingbird
import Store

/// `?page=` as a client sends it, read with bounds: `Int` parses `9223372036854775807`, and the
/// offset `(page - 1) * pageSize` computed from it would trap and take the server down. The store
/// clamps to the last page as well; this keeps the number sane from where it enters.
enum PageParameter {
    static let range = 1...RequestQuery.maxPage

    /// For pages: absent or not a number reads as the first page, any number as the nearest one in range.
    static func lenient(_ parameters: Parameters) -> Int {
        guard let text = parameters.get("page"), let number = Int(text) else { return 1 }
        return min(max(number, range.lowerBound), range.upperBound)
    }

    /// For the API: a value that is not a whole number in range is an error naming the parameter.
    static func strict(_ parameters: Parameters) throws(APIError) -> Int {
        guard let text = parameters.get("page"), !text.isEmpty else { return 1 }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(
                status: .badRequest, code: "invalid_field",
                message: "page must be a whole number from \(range.lowerBound) to \(range.upperBound).", field: "page")
        }
        return number
    }
}
