/// The body of `POST /api/v1/requests` and `POST /generate/manifest` (`AppRequestInput` in
/// openapi.json): each value of its documented JSON type. A value of another type is refused,
/// naming its field; what the values mean (a DNS-1123 name, a port in range…) is the validator's
/// to check, the same way for this body and the new-app form.
struct AppRequestInput: Decodable {
    var appName: String?
    var description: String?
    var owner: String?
    var image: String?
    var port: Int?
    var replicas: Int?
    var host: String?
    var size: String?
    var env: Environment?
    var volumeSize: String?
    var prompt: String?
    var engine: String?
    /// Open the pull request once the manifests pass; nil: `gitops.auto_pr`.
    var autoPR: Bool?

    /// `env`: `KEY=value` lines, as the form's text area sends them, or an object of strings.
    enum Environment: Decodable {
        case lines(String)
        case variables([String: String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .lines(text)
            } else if let map = try? container.decode([String: String].self) {
                self = .variables(map)
            } else {
                throw DecodingError.typeMismatch(
                    Environment.self,
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "Expected KEY=value lines or an object of strings."))
            }
        }

        /// As the form's text area has it: one `KEY=value` per line, in name order.
        var lines: String {
            switch self {
            case .lines(let text): text
            case .variables(let map): map.keys.sorted().map { "\($0)=\(map[$0] ?? "")" }.joined(separator: "\n")
            }
        }
    }

    /// The field names, shared with the new-app form.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case appName = "app_name"
        case description, owner, image, port, replicas, host, size, env
        case volumeSize = "volume_size"
        case prompt, engine
        case autoPR = "auto_pr"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        appName = try container.decodeIfPresent(String.self, forKey: .appName)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        owner = try container.decodeIfPresent(String.self, forKey: .owner)
        image = try container.decodeIfPresent(String.self, forKey: .image)
        port = try container.decodeInteger(forKey: .port)
        replicas = try container.decodeInteger(forKey: .replicas)
        host = try container.decodeIfPresent(String.self, forKey: .host)
        size = try container.decodeIfPresent(String.self, forKey: .size)
        env = try container.decodeIfPresent(Environment.self, forKey: .env)
        volumeSize = try container.decodeIfPresent(String.self, forKey: .volumeSize)
        prompt = try container.decodeIfPresent(String.self, forKey: .prompt)
        engine = try container.decodeIfPresent(String.self, forKey: .engine)
        autoPR = try container.decodeIfPresent(Bool.self, forKey: .autoPR)
    }

    /// The fields as the validator reads them, which is as the form sends them: text, as typed.
    var fields: [String: String] {
        let values: [CodingKeys: String?] = [
            .appName: appName, .description: description, .owner: owner, .image: image,
            .port: port.map(String.init), .replicas: replicas.map(String.init), .host: host, .size: size,
            .env: env?.lines, .volumeSize: volumeSize, .prompt: prompt, .engine: engine,
        ]
        return Dictionary(uniqueKeysWithValues: values.compactMap { key, value in value.map { (key.rawValue, $0) } })
    }
}

extension KeyedDecodingContainer {
    /// A JSON integer. Foundation reports a number with a fraction, or one beyond `Int`, as "not
    /// valid JSON" for the whole document (an internal error on Linux, a corrupted value
    /// elsewhere); here it is the field's error, like any other value of the wrong type.
    func decodeInteger(forKey key: Key) throws -> Int? {
        do {
            return try decodeIfPresent(Int.self, forKey: key)
        } catch let error as DecodingError {
            guard case .dataCorrupted = error else { throw error }
            throw notAnInteger(key)
        } catch {
            throw notAnInteger(key)
        }
    }

    private func notAnInteger(_ key: Key) -> DecodingError {
        .typeMismatch(
            Int.self,
            .init(
                codingPath: codingPath + [key],
                debugDescription: "Expected to decode Int but found a number with a fraction or out of range."))
    }
}
