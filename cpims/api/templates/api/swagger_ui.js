// Starts Swagger UI. Served by the docs view itself (?script), so no inline script is needed.
"use strict";
(function () {
  var csrfHeader = "{{ csrf_header_name|escapejs }}";
  var csrfToken = "{{ csrf_token|escapejs }}";
  window.ui = SwaggerUIBundle({
    url: "{{ schema_url|escapejs }}",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // No call to the public validator: the page must work on an intranet and leak nothing.
    validatorUrl: null,
    requestInterceptor: function (request) {
      // "Try it out" with the browser session needs the CSRF token on writes.
      var method = (request.method || "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
        request.headers[csrfHeader] = csrfToken;
      }
      return request;
    },
  });
})();
