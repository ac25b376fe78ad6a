/* Read-along for the HTML edition: highlight the clause the audio edition is speaking, and listen from any clause.

   The page holds a plain <audio controls> with the audio edition's MP3 and its WebVTT captions as a <track>; this
   script only adds to it. Its timings are the audio writer's own cues, read at run time through the track (each
   cue's id is a clause's anchor), so the page does not depend on the audio being built first and nothing is
   measured again. It never starts playback by itself, never moves the focus, announces nothing and listens to no
   key: the native controls and the buttons it adds are the whole interface. No network, no framework, no eval,
   no inline handlers or style attributes (it runs under a Content-Security-Policy with the script's hash).

   With the audio missing the player is hidden; with the captions unreadable (a page opened from disk in Chromium,
   which treats file: URLs as unique origins) the plain player stays and no clause is highlighted. */
(function () {
  "use strict";
  var player = document.getElementById("listen");
  var audio = player && player.querySelector("audio");
  var trackElement = audio && audio.querySelector("track");
  var wordsBlock = document.getElementById("listen-words");
  if (!audio || !trackElement || !trackElement.track || !wordsBlock) return;
  var words = JSON.parse(wordsBlock.textContent);
  var track = trackElement.track;
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  /* A seek lands within a few ms of where it was sent: a time this close before a cue's start is in that cue. */
  var LANDING = 0.05;
  var cues = []; /* {start, element} of the cues that are clauses, in time order */
  var buttons = [];
  var toggle = null;
  var current = null;

  function hidePlayer() {
    player.hidden = true;
    buttons.forEach(function (button) { button.remove(); });
    buttons = [];
    if (toggle) toggle.remove();
    setCurrent(null);
  }

  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }

  function setCurrent(element) {
    if (element === current) return;
    /* The reader follows the audio while the clause being spoken is on screen; scrolled away, they are left alone. */
    var following = current === null || inView(current);
    if (current) current.removeAttribute("aria-current");
    current = element;
    if (!element) return;
    element.setAttribute("aria-current", "true");
    if (following && !audio.paused && !reducedMotion.matches) {
      element.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  /* The clause heard at the audio's time: the last one started, as the MP3's chapters tile the narration. */
  function update() {
    var time = audio.currentTime + LANDING;
    var found = null;
    for (var i = 0; i < cues.length && cues[i].start <= time; i++) found = cues[i].element;
    setCurrent(found);
  }

  function listenFrom(start) {
    return function () {
      audio.currentTime = start;
      update();
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () {});
    };
  }

  function addButton(item, start, name) {
    /* Empty, named by aria-label, its play icon drawn by the theme: one phrase to a screen reader ("button, Listen
       from Paragraph 3"), and no visible text its name would have to contain. */
    var button = document.createElement("button");
    button.type = "button";
    button.className = "listen-from";
    button.setAttribute("aria-label", name);
    button.addEventListener("click", listenFrom(start));
    item.insertBefore(button, item.querySelector(":scope > ol"));
    buttons.push(button);
  }

  /* The buttons as one group a reader can turn off (and so skip): a toggle button in the player. */
  function addToggle() {
    var line = document.createElement("div");
    line.className = "listen-buttons";
    var button = document.createElement("button");
    button.type = "button";
    button.setAttribute("aria-pressed", "true");
    button.textContent = words.buttons;
    button.addEventListener("click", function () {
      var shown = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(shown));
      buttons.forEach(function (each) { each.hidden = !shown; });
    });
    line.append(button);
    audio.after(line);
    toggle = line;
  }

  function ready() {
    if (audio.error || cues.length) return;
    Array.prototype.forEach.call(track.cues || [], function (cue) {
      var element = document.getElementById(cue.id);
      if (!element || !element.matches("li.clause") || !(cue.id in words.names)) return;
      cues.push({ start: cue.startTime, element: element });
      addButton(element, cue.startTime, words.names[cue.id]);
    });
    cues.sort(function (a, b) { return a.start - b.start; });
    if (cues.length) addToggle();
    update();
  }

  /* Hidden only when there is no audio to play (a missing or unplayable file): a network error while listening
     leaves the player and its buttons in place, for the reader to press play again. */
  function unplayable() {
    return audio.readyState === 0 || (audio.error && audio.error.code === 4 /* MEDIA_ERR_SRC_NOT_SUPPORTED */);
  }
  if (audio.error && unplayable()) { hidePlayer(); return; }
  audio.addEventListener("error", function () { if (unplayable()) hidePlayer(); });
  if (track.mode === "disabled") track.mode = "hidden";
  ["timeupdate", "seeked", "play", "loadedmetadata"].forEach(function (event) {
    audio.addEventListener(event, update);
  });
  track.addEventListener("cuechange", update);
  if (trackElement.readyState === 2) ready(); else trackElement.addEventListener("load", ready);
})();
