export * from './oss-emulator';
export * from './oss-signature';
export { OssError } from './oss-xml';
export { crc64, Crc64 } from './crc64';
