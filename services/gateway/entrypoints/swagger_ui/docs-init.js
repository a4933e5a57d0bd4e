// Starts Swagger UI on the gateway's merged document (kept out of the page: the CSP allows no
// inline script).
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
