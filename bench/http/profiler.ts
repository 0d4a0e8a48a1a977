// Lets the HTTP benchmark take a CPU profile of a server over exactly the load it drives: over the
// IPC channel, { profile: "start" } starts V8's sampling profiler and { profile: "stop", path }
// writes the .cpuprofile and answers { profiled: path }. Without an IPC channel it does nothing.
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";

export function enableProfiling(): void {
  if (!process.send) return;
  const session = new Session();
  session.connect();
  process.on("message", (message: { profile?: "start" | "stop"; path?: string }) => {
    void (async () => {
      if (message.profile === "start") {
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 200 });
        await session.post("Profiler.start");
        process.send!({ profiling: true });
      } else if (message.profile === "stop" && message.path) {
        const { profile } = await session.post("Profiler.stop");
        writeFileSync(message.path, JSON.stringify(profile));
        process.send!({ profiled: message.path });
      }
    })();
  });
  // The IPC channel must not keep a server alive once it is told to stop.
  process.channel?.unref();
}
