/* Pacer's GraphiQL: starts the IDE served from this server against this server's /graphql.
 * Queries and mutations go over HTTP to the page's own URL; subscriptions over a websocket to
 * the same URL (graphql-transport-ws), with the headers editor's contents as the connection's
 * payload, which is where Pacer reads the Authorization of a websocket. */
(function () {
  "use strict";

  var endpoint = window.location.href.split(/[?#]/)[0];
  var subscriptionUrl = endpoint.replace(/^http/, "ws");

  var DEFAULT_HEADERS = '{"Authorization": "Bearer "}';
  var DEFAULT_QUERY = [
    "# Pacer GraphQL",
    "#",
    "# 把令牌填在下方 Headers 的 Bearer 之后，",
    "# 按 Ctrl-Enter（或 ▶）运行。",
    "# Put your token after Bearer in Headers",
    "# below; Ctrl-Enter (or ▶) runs the query.",
    "# Tokens: `pacer demo`, `pacer token create`.",
    "",
    "query Me {",
    "  me {",
    "    login",
    "    displayName",
    "    roles",
    "  }",
    "}",
    "",
  ].join("\n");

  var fetcher = GraphiQL.createFetcher({ url: endpoint, subscriptionUrl: subscriptionUrl });

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: DEFAULT_HEADERS,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: "headers",
      // A token is a password: kept out of the browser's storage unless the user turns on
      // "Persist headers" in GraphiQL's settings.
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    }),
  );
})();
