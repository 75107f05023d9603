# Single sign-on (English)
error-sso-client = The application is not registered with Simpul, or is disabled.
error-sso-redirect = The redirect URI is not registered for this application.
error-sso-request = Invalid sign-in request: { $why }
error-redirect-uri = The address { $uri } cannot be used: { $why }.
