import Mustache

// View models that a page repeats many times (table rows, cards, links, marked runs of text) or
// that every page has (the layout) name their fields for Mustache. Otherwise Mustache finds each
// `{{name}}` by reflection (Mirror), which was most of the time of rendering a catalog page, a big
// entity page or a search answer, and two thirds of the server's time under `bench/load`, where
// the request list, the overview and the live-status pages are rendered again on every change. An unknown name answers nil, so Mustache looks further up the
// context stack, as it does when Mirror finds nothing.

extension LayoutModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "nav": return nav
        case "hasProblems": return hasProblems
        case "problemLabel": return problemLabel
        case "refresh": return refresh
        case "body": return body
        case "userName": return userName
        default: return nil
        }
    }
}

extension LayoutModel.NavItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "current": return current
        default: return nil
        }
    }
}

extension EntityLinkModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "exists": return exists
        case "html": return html
        default: return nil
        }
    }
}

extension CatalogModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "link": return link
        case "kind": return kind
        case "type": return type
        case "owner": return owner
        case "lifecycle": return lifecycle
        case "system": return system
        case "tags": return tags
        case "description": return description
        default: return nil
        }
    }
}

extension CatalogModel.Tag: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "href": return href
        default: return nil
        }
    }
}

extension CatalogModel.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": return value
        case "label": return label
        case "selected": return selected
        default: return nil
        }
    }
}

extension SearchModel.Hit: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "href": return href
        case "kind": return kind
        case "detail": return detail
        case "snippet": return snippet
        case "isExternal": return isExternal
        default: return nil
        }
    }
}

extension SearchModel.Part: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "isMatch": return isMatch
        default: return nil
        }
    }
}

extension EntityModel.RelationGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "targets": return targets
        case "targetsHTML": return targetsHTML
        default: return nil
        }
    }
}

extension EntityModel.OwnedRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "kind": return kind
        case "type": return type
        case "lifecycle": return lifecycle
        case "description": return description
        default: return nil
        }
    }
}

extension ADRRowModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": return href
        case "number": return number
        case "titleHTML": return titleHTML
        case "status": return status
        case "statusClass": return statusClass
        case "date": return date
        case "isoDate": return isoDate
        default: return nil
        }
    }
}

extension RelationGraphModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "from": return from
        case "relation": return relation
        case "to": return to
        default: return nil
        }
    }
}
extension StatusBadge: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "cssClass": return cssClass
        default: return nil
        }
    }
}

extension PullRequestLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "forgeURL": return forgeURL
        default: return nil
        }
    }
}

extension RequestListModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "href": return href
        case "appName": return appName
        case "badge": return badge
        case "engine": return engine
        case "requestedBy": return requestedBy
        case "createdAt": return createdAt
        case "duration": return duration
        case "pullRequest": return pullRequest
        default: return nil
        }
    }
}

extension RequestListModel.StatusOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": return value
        case "selected": return selected
        default: return nil
        }
    }
}

extension RequestPageModel.Event: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "at": return at
        case "badge": return badge
        case "message": return message
        case "actedBy": return actedBy
        case "reporter": return reporter
        default: return nil
        }
    }
}

extension RequestPageModel.Attempt: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": return number
        case "purpose": return purpose
        case "engine": return engine
        case "duration": return duration
        case "tokens": return tokens
        case "error": return error
        case "rawOutput": return rawOutput
        case "prompt": return prompt
        default: return nil
        }
    }
}

extension RequestPageModel.Finding: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "severity": return severity
        case "isError": return isError
        case "place": return place
        case "message": return message
        default: return nil
        }
    }
}

extension ObservabilityModel.Dashboard: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "description": return description
        case "tags": return tags
        case "panels": return panels
        case "url": return url
        case "file": return file
        default: return nil
        }
    }
}

extension ObservabilityModel.Application: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "project": return project
        case "source": return source
        case "revision": return revision
        case "namespace": return namespace
        case "syncPolicy": return syncPolicy
        case "url": return url
        case "live": return live
        case "notInGit": return notInGit
        default: return nil
        }
    }
}

extension ArgoStatusModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "sync": return sync
        case "syncClass": return syncClass
        case "health": return health
        case "healthClass": return healthClass
        default: return nil
        }
    }
}

extension ServiceHealthModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "dotClass": return dotClass
        case "stateLabel": return stateLabel
        case "summary": return summary
        case "failure": return failure
        case "sparkline": return sparkline
        case "certificate": return certificate
        case "tlsUnverified": return tlsUnverified
        default: return nil
        }
    }
}

extension ServiceHealthModel.Certificate: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "cssClass": return cssClass
        case "issuer": return issuer
        default: return nil
        }
    }
}

extension InventoryModel.HardwareRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "title": return title
        case "role": return role
        case "type": return type
        case "cpu": return cpu
        case "memory": return memory
        case "storage": return storage
        case "gpu": return gpu
        case "count": return count
        case "status": return status
        case "isReserved": return isReserved
        case "notes": return notes
        case "nodes": return nodes
        case "capacity": return capacity
        default: return nil
        }
    }
}

extension InventoryModel.NodeRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "roles": return roles
        case "host": return host
        case "hostAnchor": return hostAnchor
        case "cpu": return cpu
        case "memory": return memory
        case "os": return os
        case "live": return live
        case "flag": return flag
        default: return nil
        }
    }
}

extension CapacityBar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "resource": return resource
        case "summary": return summary
        case "filledWidth": return filledWidth
        case "isOvercommitted": return isOvercommitted
        default: return nil
        }
    }
}

extension LiveNodeModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "ready": return ready
        case "readyClass": return readyClass
        case "roles": return roles
        case "kubelet": return kubelet
        case "osImage": return osImage
        case "cpu": return cpu
        case "memory": return memory
        case "pods": return pods
        case "age": return age
        case "usage": return usage
        default: return nil
        }
    }
}

extension UsageBar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "resource": return resource
        case "percent": return percent
        case "filledWidth": return filledWidth
        case "isHigh": return isHigh
        default: return nil
        }
    }
}

extension OverviewModel.KindCount: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "count": return count
        case "href": return href
        default: return nil
        }
    }
}

extension OverviewModel.SystemRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "link": return link
        case "description": return description
        case "componentCount": return componentCount
        default: return nil
        }
    }
}

extension ServiceGroupModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "description": return description
        case "services": return services
        default: return nil
        }
    }
}

extension ServiceGroupModel.Card: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "url": return url
        case "description": return description
        case "entity": return entity
        case "health": return health
        default: return nil
        }
    }
}

extension AlertsModel.Alert: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "summary": return summary
        case "since": return since
        default: return nil
        }
    }
}

extension AlertsModel.Severity: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "cssClass": return cssClass
        case "count": return count
        case "alerts": return alerts
        default: return nil
        }
    }
}

extension UpstreamNotice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "isError": return isError
        default: return nil
        }
    }
}
