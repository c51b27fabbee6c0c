#include "isolate_pool/result_reader.h"

#include <v8-container.h>
#include <v8-context.h>
#include <v8-isolate.h>
#include <v8-primitive.h>
#include <v8-typed-array.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "isolate_pool/module_loader.h"
#include "isolate_pool/native_bindings.h"

namespace hearth {
namespace {

enum ResultKind { kResponse = 0, kThrew = 1, kNotAResponse = 2 };

void Bad(v1::InvokeResponse* response, std::string message) {
  response->clear_response();
  response->set_outcome(v1::OUTCOME_BAD_RESPONSE);
  response->set_error(std::move(message));
}

}  // namespace

void ReadHandlerResult(const v8::FunctionCallbackInfo<v8::Value>& info,
                       const IsolatePoolOptions& caps, v1::InvokeResponse* response) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  const int kind = info.Length() > 0 && info[0]->IsInt32() ? info[0].As<v8::Int32>()->Value() : -1;
  if (kind == kThrew || kind == kNotAResponse) {
    response->set_outcome(kind == kThrew ? v1::OUTCOME_USER_ERROR : v1::OUTCOME_BAD_RESPONSE);
    response->set_error(
        info.Length() > 1 ? ToStdStringCapped(isolate, info[1], kMaxExceptionTextBytes) : "");
    return;
  }
  if (kind != kResponse || info.Length() < 4 || !info[1]->IsUint32() || !info[2]->IsArray() ||
      !info[3]->IsUint8Array()) {
    return Bad(response, "the runtime produced a malformed result");
  }
  v8::Local<v8::Array> headers = info[2].As<v8::Array>();
  v8::Local<v8::Uint8Array> body = info[3].As<v8::Uint8Array>();
  if (headers->Length() / 2 > caps.max_response_headers) {
    return Bad(response, absl::StrCat("the response has ", headers->Length() / 2,
                                      " headers; the limit is ", caps.max_response_headers));
  }
  if (body->ByteLength() > caps.max_response_body_bytes) {
    return Bad(response, absl::StrCat("the response body has ", body->ByteLength(),
                                      " bytes; the limit is ", caps.max_response_body_bytes));
  }
  // Header sizes first, from the strings' lengths (no copy, no user code: the runtime hands
  // over strings, anything else is malformed).
  size_t header_bytes = 0;
  for (uint32_t i = 0; i < headers->Length(); ++i) {
    v8::Local<v8::Value> item;
    if (!headers->Get(context, i).ToLocal(&item) || !item->IsString()) {
      return Bad(response, "could not read the response headers");
    }
    header_bytes += static_cast<size_t>(item.As<v8::String>()->Utf8Length(isolate));
    if (header_bytes > caps.max_response_header_bytes) {
      return Bad(response, absl::StrCat("the response headers have more than ",
                                        caps.max_response_header_bytes,
                                        " bytes of names and values; that is the limit"));
    }
  }
  v1::HttpResponse& http = *response->mutable_response();
  http.set_status(info[1].As<v8::Uint32>()->Value());
  for (uint32_t i = 0; i + 1 < headers->Length(); i += 2) {
    v1::Header* header = http.add_headers();
    header->set_name(ToStdString(isolate, headers->Get(context, i).ToLocalChecked()));
    header->set_value(ToStdString(isolate, headers->Get(context, i + 1).ToLocalChecked()));
  }
  std::string* out = http.mutable_body();
  out->resize(body->ByteLength());
  body->CopyContents(out->data(), out->size());
  response->set_outcome(v1::OUTCOME_OK);
}

}  // namespace hearth
