// Shows the state of the live-update stream in the header, and refreshes the live part of the page
// after the stream reconnects (events sent while it was down are not replayed).
(function () {
  var opened = false;
  // Every stream this page opens is closed when the page goes away, so that it stops counting
  // against the token's open-stream limit at once (a page kept in the back/forward cache, or one
  // whose socket lingers, would otherwise hold its stream).
  var sources = [];
  htmx.createEventSource = function (url) {
    var s = new EventSource(url);
    sources.push(s);
    return s;
  };
  window.addEventListener('pagehide', function () {
    sources.forEach(function (s) {
      s.close();
    });
    sources = [];
  });
  document.addEventListener('htmx:sseOpen', function () {
    document.body.dataset.live = 'open';
    if (opened) {
      var live = document.getElementById('live');
      if (live) {
        htmx.trigger(live, 'refresh');
      }
    }
    opened = true;
  });
  document.addEventListener('htmx:sseError', function () {
    document.body.dataset.live = 'down';
  });
  // A fragment refresh answered 401 (the session ended): go to the sign-in page.
  document.addEventListener('htmx:responseError', function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 401) {
      window.location.assign('/signin?ended=1');
    }
  });
})();
