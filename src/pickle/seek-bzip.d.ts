/** The part of seek-bzip (pure-JS bzip2 decoder, no types published) that compression.ts uses. */
declare module "seek-bzip" {
  interface ByteInput {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(pos: number): void;
    eof(): boolean;
  }
  interface ByteOutput {
    writeByte(byte: number): void;
    write(buffer: Uint8Array, offset: number, length: number): number;
  }
  const Bunzip: {
    decode(input: ByteInput, output: ByteOutput, multistream?: boolean): void;
  };
  export default Bunzip;
}
