// GET /services/data/{version}/tooling/query/?q=… — the one Tooling API query Pub/Sub API
// clients make before a managed subscription (the npm salesforce-pubsub-api-client's
// subscribeWithManagedSubscription, through jsforce):
//   SELECT Id, DeveloperName, Metadata FROM ManagedEventSubscription
//   WHERE Id='<id>' | DeveloperName='<name>' LIMIT 1
// answered from the token org's configured managed subscriptions, in the Tooling API's query
// result shape {size, totalSize, done, queryLocator, entityTypeName, records[{attributes, Id (18
// characters), DeveloperName, Metadata{label, topicName, defaultReplay, errorRecoveryReplay,
// state}}]}. Errors in the REST API's shape `[{"errorCode","message"}]`: 401 INVALID_SESSION_ID
// (no or a bad Bearer token), 400 MALFORMED_QUERY (any other query). Thread-safe.
#pragma once

#include "api/app_context.h"
#include "http/http_types.h"

namespace interactiond::api {

void HandleToolingQuery(const AppContext& context, http::HttpRequest& request,
                        http::Respond respond);

}  // namespace interactiond::api
