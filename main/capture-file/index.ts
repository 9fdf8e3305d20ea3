export { openCaptureFile, type CaptureFileReader, type OpenOptions } from './open-capture-file.js';
export { PacketIndex } from './packet-index.js';
