// MIME type detection from content (libmagic), normalised to the names the Interaction Service's
// supported-type list uses.
//
// Threading: safe from any thread; each thread lazily opens its own libmagic handle (libmagic
// handles are not thread-safe).
#pragma once

#include <string>
#include <string_view>

namespace interactiond::util {

// The detected MIME type, or an empty string when libmagic cannot tell (or says only
// application/octet-stream).
std::string DetectMimeType(std::string_view bytes);

}  // namespace interactiond::util
