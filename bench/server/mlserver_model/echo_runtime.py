"""The benchmark's trivial MLServer model: echoes every input back as an output, as modelserve's noop
runtime does, so both servers do the same work per request (decode, route, encode)."""

from mlserver import MLModel
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput


class EchoRuntime(MLModel):
    async def load(self) -> bool:
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        return InferenceResponse(
            model_name=self.name,
            id=payload.id,
            outputs=[
                ResponseOutput(name=i.name, datatype=i.datatype, shape=i.shape, data=i.data)
                for i in payload.inputs
            ],
        )
