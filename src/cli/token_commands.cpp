// `interactiond demo-env` and `interactiond token`: tokens and demo values for scripts and CI.
#include <cstdio>
#include <iostream>

#include "auth/access_token.h"
#include "cli/commands.h"
#include "cli/startup.h"
#include "util/clock.h"

namespace interactiond::cli {
namespace {

std::string MintFor(const Startup& startup, const config::Org& org, const config::ConnectedApp& app,
                    const config::User& user, std::vector<std::string> scopes, int64_t ttl_ms) {
  auth::TokenSigner signer(startup.token_secret);
  const int64_t now = util::SystemClock().NowMs();
  auth::TokenClaims claims;
  claims.org_id = org.id;
  claims.connected_app = app.name;
  claims.user_id = user.id;
  claims.scopes = std::move(scopes);
  claims.issued_at_ms = now;
  claims.expires_at_ms = now + ttl_ms;
  return signer.Mint(claims);
}

}  // namespace

int DemoEnv(const CommonOptions& options) {
  Startup startup = PrepareStartup(options);
  const DemoValues demo = DescribeDemo(startup.config);
  if (!demo.org || !demo.app || !demo.definition || !demo.channel || !demo.user) {
    std::cerr << "demo-env: the configuration's first org needs a connected app, a channel "
                 "definition of it, an active channel of that definition and a user\n";
    return 2;
  }
  const std::string token = MintFor(startup, *demo.org, *demo.app, *demo.user, demo.app->scopes,
                                    30ll * 24 * 60 * 60 * 1000);
  std::printf("BASE_URL=%s\n", startup.base_url.c_str());
  std::printf("ORG_ID=%s\n", demo.org->id.c_str());
  std::printf("ACCESS_TOKEN=%s\n", token.c_str());
  std::printf("AUTHORIZATION_CONTEXT=%s\n", demo.definition->developer_name.c_str());
  std::printf("CHANNEL_ADDRESS_IDENTIFIER=%s\n", demo.channel->channel_address_identifier.c_str());
  std::printf("CONSUMER_KEY=%s\n", demo.app->consumer_key.c_str());
  std::printf("PRIVATE_KEY_FILE=%s\n", startup.demo_keys.private_key_file.c_str());
  std::printf("CERTIFICATE_FILE=%s\n", startup.demo_keys.certificate_file.c_str());
  std::printf("USERNAME=%s\n", demo.user->username.c_str());
  std::printf("USER_ID=%s\n", demo.user->id.c_str());
  return 0;
}

int Token(const TokenOptions& options) {
  Startup startup = PrepareStartup(options.common);
  const auto& orgs = startup.config.orgs->orgs();
  const config::Org* org = options.org_id ? startup.config.orgs->FindOrg(*options.org_id)
                                          : (orgs.empty() ? nullptr : &orgs.front());
  if (org == nullptr) {
    std::cerr << "token: no such org\n";
    return 2;
  }
  const config::ConnectedApp* app =
      options.app ? org->FindConnectedApp(*options.app)
                  : (org->connected_apps.empty() ? nullptr : &org->connected_apps.front());
  if (app == nullptr) {
    std::cerr << "token: no such connected app in org " << org->id << "\n";
    return 2;
  }
  const config::User* user = nullptr;
  if (options.user) {
    user = org->FindUser(*options.user);
    if (user == nullptr) user = org->FindUserByUsername(*options.user);
  } else if (!org->users.empty()) {
    user = &org->users.front();
  }
  if (user == nullptr) {
    std::cerr << "token: no such user in org " << org->id << "\n";
    return 2;
  }
  std::printf("%s\n", MintFor(startup, *org, *app, *user,
                              options.scopes.empty() ? app->scopes : options.scopes,
                              options.ttl_seconds * 1000)
                          .c_str());
  return 0;
}

}  // namespace interactiond::cli
