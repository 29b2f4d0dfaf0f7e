// /docs: Swagger UI over this server's OpenAPI document (a file: the CSP allows no inline script)
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
