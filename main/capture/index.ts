/** Live capture: the supervisor of paquet-dumpcap and a follower for the pcapng file it writes. */
export { findCaptureProgram, captureProgramCandidates } from './locate.js';
export { captureArgs, type CaptureOptions, type StopConditions, type RingOptions } from './options.js';
export {
  CaptureError,
  parseEventLine,
  type CaptureCounts,
  type CaptureErrorCode,
  type CaptureEvent,
  type Device,
  type ErrorEvent,
  type StartedEvent,
  type StopReason,
  type StoppedEvent,
} from './events.js';
export {
  CaptureSession,
  listDevices,
  startCapture,
  validateFilter,
  type CaptureResult,
  type FilterCheck,
  type ProgramChoice,
} from './supervisor.js';
export { PcapngFollower, type FollowedStats } from './follow.js';
