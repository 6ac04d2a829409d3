// Both Agora RTM SDKs (1.x and 2.x) are UMD scripts that set window.AgoraRTM; a page uses one of them.
export function loadAgoraRtm(url) {
  if (window.AgoraRTM) return Promise.resolve(window.AgoraRTM);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => (window.AgoraRTM ? resolve(window.AgoraRTM) : reject(new Error("AgoraRTM missing")));
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}
