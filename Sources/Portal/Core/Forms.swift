/// The new-app form (`POST /apps/new`): every field as text, as typed, so that a form that does
/// not pass comes back with the input and the messages. Its names are the API's
/// (`AppRequestInput`), but for `auto_pr`, which the form does not offer.
struct NewAppForm: Decodable {
    var fields: [String: String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AppRequestInput.CodingKeys.self)
        var fields: [String: String] = [:]
        for key in AppRequestInput.CodingKeys.allCases where key != .autoPR {
            if let value = try container.decodeIfPresent(String.self, forKey: key) { fields[key.rawValue] = value }
        }
        self.fields = fields
    }
}

/// The buttons on a request's page (`POST /requests/{id}/{action}`): regenerate sends the feedback.
struct RequestActionForm: Decodable {
    var feedback: String?
}
