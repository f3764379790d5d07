#ifndef HOMEPORT_CCURL_SHIM_H
#define HOMEPORT_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers are the only way the HTTPClient module talks to them.
static inline CURLcode hp_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode hp_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode hp_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode hp_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode hp_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
// A blob option (CURLOPT_CAINFO_BLOB, libcurl >= 7.77): libcurl copies the bytes, so they need not outlive the call.
static inline CURLcode hp_setopt_blob(CURL *h, CURLoption o, const void *data, size_t length) {
    struct curl_blob blob = { (void *)data, length, CURL_BLOB_COPY };
    return curl_easy_setopt(h, o, &blob);
}
// The CA bundle libcurl was built to use (Debian: /etc/ssl/certs/ca-certificates.crt); NULL if none.
static inline const char *hp_default_cainfo(void) { return curl_version_info(CURLVERSION_NOW)->cainfo; }

typedef size_t (*hp_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode hp_setopt_write_function(CURL *h, hp_data_callback f) { return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode hp_setopt_header_function(CURL *h, hp_data_callback f) { return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f); }

// Progress callback: returning non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
// libcurl calls it often while data flows and about once a second while the connection is quiet.
// Setting it also turns progress reporting on (CURLOPT_NOPROGRESS 0), without which it is never called.
typedef int (*hp_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode hp_setopt_xferinfo_function(CURL *h, hp_xferinfo_callback f, void *clientp) {
    CURLcode code = curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f);
    if (code == CURLE_OK) code = curl_easy_setopt(h, CURLOPT_XFERINFODATA, clientp);
    if (code == CURLE_OK) code = curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    return code;
}

static inline CURLcode hp_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode hp_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
// The peer's certificate chain, collected when CURLOPT_CERTINFO is on (OpenSSL builds fill
// "Subject", "Issuer", "Expire date"... for each certificate, the peer's own first).
static inline CURLcode hp_getinfo_certinfo(CURL *h, struct curl_certinfo **v) { return curl_easy_getinfo(h, CURLINFO_CERTINFO, v); }
#endif
