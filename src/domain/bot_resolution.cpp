#include "domain/bot_resolution.h"

#include <algorithm>
#include <string>

namespace interactiond::domain {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool IsWellFormedBotId(std::string_view bot_id) {
  return (bot_id.size() == 15 || bot_id.size() == 18) &&
         std::all_of(bot_id.begin(), bot_id.end(), IsAsciiAlnum);
}

bool IsSameBotId(std::string_view subject, const config::Bot& bot) {
  // The 18-character form is the 15-character id plus a case-safety suffix; the suffix is not
  // verified, as for OrgId and user ids.
  if (subject.size() == 18) subject = subject.substr(0, 15);
  return subject == bot.id;
}

Result<const config::Bot*> ResolveBot(const config::Org& org,
                                      const config::BotIntegrationDefinition* context,
                                      std::string_view bot_id) {
  if (!IsWellFormedBotId(bot_id)) {
    return Error::Of(10084, "bot id '" + std::string(bot_id) + "' is not a 15/18-character id");
  }
  const auto it = std::find_if(org.bots.begin(), org.bots.end(),
                               [&](const config::Bot& bot) { return IsSameBotId(bot_id, bot); });
  if (it == org.bots.end()) {
    return Error::Of(10086, "no bot " + std::string(bot_id) + " in org " + org.id);
  }
  const config::Bot& bot = *it;
  if (context == nullptr || context->developer_name != bot.integration_definition) {
    return Error::Of(10087, "bot " + bot.id + " belongs to '" + bot.integration_definition +
                                "', the AuthorizationContext is '" +
                                (context ? context->developer_name : std::string("(none)")) + "'");
  }
  if (!bot.active) return Error::Of(10088, "bot " + bot.id + " is inactive");
  return &bot;
}

Result<const config::Bot*> ResolveSenderBot(const config::Org& org,
                                            const config::BotIntegrationDefinition* context,
                                            std::string_view subject) {
  if (!IsWellFormedBotId(subject)) {
    return Error::Of(10086, "sender.subject '" + std::string(subject) + "' is not a bot id");
  }
  return ResolveBot(org, context, subject);
}

}  // namespace interactiond::domain
