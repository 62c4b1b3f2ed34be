/** Download progress, reported per object so a CLI can draw a bar and a library user can log. */
export interface Progress {
  /** the remote object being transferred (s3 key, hub file name) */
  object: string;
  /** bytes of this object received so far */
  received: number;
  /** its size when the source says it, else undefined */
  total?: number;
}

export type ProgressListener = (p: Progress) => void;
